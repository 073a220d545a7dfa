import { openApi } from '@cdp/platform-runtime';

/** The 202 of POST /v1/touchpoints. */
export const ACCEPTED_TOUCHPOINTS = openApi.record('AcceptedTouchpoints', {
  touchpoints: openApi.listOf(
    openApi.record('AcceptedTouchpoint', {
      eventId: openApi.text('the id given, or the one the platform made'),
      position: openApi.text('where the log holds it: the global position in the Postgres log ("1"), <topic>/<partition>:<offset> on Kafka ("cdp.touchpoints.v1/1:0")', '1'),
      duplicate: { type: 'boolean', description: 'true when the event id had already been accepted: nothing was appended' },
    }),
    'in request order',
  ),
});
