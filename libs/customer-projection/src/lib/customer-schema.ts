/** The projection's name, and the Postgres schema of its live tables. */
export const CUSTOMER_PROJECTION = 'customers';
