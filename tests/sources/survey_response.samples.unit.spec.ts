import { expectSamplesAccepted } from '../support/source-samples';

it('accepts every sample of survey_response, as POST /v1/touchpoints would', () => {
  expectSamplesAccepted('survey_response');
});
