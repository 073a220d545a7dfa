import type { Command } from 'commander';
import type { CliContext } from '../../shared/cli-context';
import { CliError } from '../../shared/cli-error';
import { withPlatform } from '../../shared/with-platform';
import { describeProfile } from '../profile-summary';

export function registerCustomersShowCommand(customers: Command, context: CliContext): void {
  customers
    .command('show')
    .description(
      "Show one customer's unified profile, found by its id or by one of its identifiers: dates also in the Solar Hijri calendar, money also in tomans. A merged id shows its survivor.",
    )
    .argument('<customer>', 'a customer id (cus_…), or an identifier as type:value: customerId, loyaltyCard, email, phone, socialHandle or deviceId (e.g. "phone:0912 123 4567")')
    .option('--json', 'print the profile as GET /v1/customers answers it')
    .action(async (customer: string, flags: { json?: boolean }, command: Command) => {
      // Loaded here only: identity's rules (libphonenumber) are not needed to start the CLI.
      const { IDENTIFIER_PRIORITY } = await import('@cdp/identity');
      const asked = customer.trim();
      const separator = asked.indexOf(':');
      // "Email:…" is the email type too: people type the type as they would a word.
      const type = IDENTIFIER_PRIORITY.find((known) => known.toLowerCase() === asked.slice(0, separator).trim().toLowerCase());
      const byIdentifier = separator > 0 && type !== undefined;
      const profile = await withPlatform(command, context, (client) => (byIdentifier ? client.customerByIdentifier(type, asked.slice(separator + 1)) : client.customer(asked)));
      if (profile === undefined) {
        throw new CliError(
          'CLI.CUSTOMER_NOT_FOUND',
          byIdentifier
            ? `no customer is known by ${customer} (looked up as ingestion normalises it; it may still be on its way through the projections: cdp projections status)`
            : `no customer has the id ${asked}: give its id (cus_…) or an identifier as type:value, where type is one of ${IDENTIFIER_PRIORITY.join(', ')} (e.g. email:sara@example.com)`,
        );
      }
      if (flags.json) return context.terminal.out(JSON.stringify(profile, null, 2));
      const merged = !byIdentifier && profile.customerId !== asked ? [`${asked} was merged into this customer.`, ''] : [];
      context.terminal.out([...merged, ...describeProfile(profile, context.now())].join('\n'));
    });
}
