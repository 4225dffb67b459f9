package io.fastgpu.core.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which files of an upload must travel: those missing on the machine, and (unless the caller keeps what is
 * there) those whose size or modification time differ. Written once above the transports, so every
 * backend's re-upload sends only what changed.
 *
 * @param send         the files to copy
 * @param skippedBytes the bytes of the files already there, which count as done for progress
 */
public record UploadDelta(List<FileCopy> send, long skippedBytes) {
    public UploadDelta {
        send = List.copyOf(send);
    }

    /**
     * @param there         relative path → stamp of every file under the upload's base on the machine
     * @param dontOverwrite keep every file that exists there, changed or not
     */
    public static UploadDelta of(List<FileCopy> files, Map<String, FileStamp> there, boolean dontOverwrite) {
        List<FileCopy> send = new ArrayList<>();
        long skipped = 0;
        for (FileCopy f : files) {
            FileStamp stamp = there.get(f.relative());
            if (stamp == null || (!dontOverwrite && !same(f, stamp))) {
                send.add(f);
            } else {
                skipped += f.size();
            }
        }
        return new UploadDelta(send, skipped);
    }

    private static boolean same(FileCopy f, FileStamp there) {
        try {
            return there.size() == f.size() && there.mtimeSeconds() == f.modifiedMillisNow() / 1000;
        } catch (IOException e) {
            return false;
        }
    }
}
