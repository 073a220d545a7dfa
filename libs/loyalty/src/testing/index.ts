export { UNIT_PROGRAM } from '../lib/testing/loyalty-fixtures';
