import { tmpdir } from 'node:os';
import { assertDataFolderHasRoom, dataFolderSpaceProblem, freeBytes, MIN_FREE_BYTES, MIN_FREE_BYTES_TO_PROJECT } from './data-folder-space';

const MiB = 1024 * 1024;

describe('the room left on the embedded data folder’s disk', () => {
  it('is enough from its reserve, and below it says how much is free, where, and what to do', () => {
    expect(dataFolderSpaceProblem('/data/.cdp', MIN_FREE_BYTES, () => 64 * MiB)).toBeUndefined();
    expect(dataFolderSpaceProblem('/data/.cdp', MIN_FREE_BYTES, () => 5 * MiB + 17)).toBe(
      'the disk of the data folder /data/.cdp (CDP_DATA_DIR) has 5 MiB free, under the 64 MiB the platform keeps: free some space there, or move the folder to a larger disk (stop the platform first). Touchpoints, redemptions and RFM runs are refused under 64 MiB, and the projections and vacuums wait under 32 MiB',
    );
    // The projections' reserve is lower: they catch up with what was taken.
    expect(dataFolderSpaceProblem('/data/.cdp', MIN_FREE_BYTES_TO_PROJECT, () => 40 * MiB)).toBeUndefined();
  });

  it('takes a folder whose free space cannot be read as one with no room, naming why', () => {
    const gone = () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, statfs '/data/.cdp'"), { code: 'ENOENT' });
    };
    expect(dataFolderSpaceProblem('/data/.cdp', MIN_FREE_BYTES, gone)).toBe(
      "the free space of the data folder /data/.cdp (CDP_DATA_DIR) cannot be read (ENOENT: no such file or directory, statfs '/data/.cdp'): check that the folder and its disk are there",
    );
    expect(() => assertDataFolderHasRoom('/no/such/folder/here')).toThrow(expect.objectContaining({ code: 'DATABASE.DISK_FULL' }));
  });

  it("reads the disk's free space, and lets a write through when there is room", () => {
    expect(freeBytes(tmpdir())).toBeGreaterThan(0);
    if (freeBytes(tmpdir()) >= MIN_FREE_BYTES) expect(() => assertDataFolderHasRoom(tmpdir())).not.toThrow();
  });
});
