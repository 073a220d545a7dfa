import { tmpdir } from 'node:os';
import { assertDataFolderHasRoom, dataFolderSpaceProblem, freeBytes, MIN_FREE_BYTES } from './data-folder-space';

describe('the room left on the embedded data folder’s disk', () => {
  it('is enough from 64 MiB free, and below it says how much is free, where, and what to do', () => {
    expect(dataFolderSpaceProblem('/data/.cdp', MIN_FREE_BYTES)).toBeUndefined();
    expect(dataFolderSpaceProblem('/data/.cdp', 5 * 1024 * 1024 + 17)).toBe(
      'the disk of the data folder /data/.cdp (CDP_DATA_DIR) has 5 MiB free, under the 64 MiB the platform keeps to go on writing: free some space there, or move the folder to a larger disk (stop the platform first); touchpoints are refused until then, and the read models catch up with what was taken',
    );
  });

  it("reads the disk's free space, and lets a write through when there is room", () => {
    expect(freeBytes(tmpdir())).toBeGreaterThan(0);
    expect(() => assertDataFolderHasRoom(tmpdir())).not.toThrow();
  });
});
