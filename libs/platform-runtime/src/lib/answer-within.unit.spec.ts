import { answerWithin } from './answer-within';

describe('answerWithin', () => {
  it('answers as the promise does when it settles in time', async () => {
    await expect(answerWithin(Promise.resolve(7), 1_000, 'the log')).resolves.toBe(7);
    await expect(answerWithin(Promise.reject(new Error('refused')), 1_000, 'the log')).rejects.toThrow('refused');
  });

  it('rejects, naming what did not answer, when the promise hangs', async () => {
    const started = Date.now();
    await expect(answerWithin(new Promise(() => undefined), 50, 'the touchpoint log')).rejects.toThrow('the touchpoint log did not answer within 0.05 s');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
