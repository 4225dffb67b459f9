package io.fastgpu.core.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job file's {@code download} list: each path on task0 comes back to the output folder under the same path
 * relative to the task's home ({@code a/model.pth} to {@code OUT/a/model.pth}), so two files of the same name
 * never overwrite each other. A path outside the home (absolute, or reaching above it with '..') comes back
 * under its own name; where two would land at the same place the job file is refused.
 */
public final class DownloadLayout {
    private DownloadLayout() { }

    /**
     * Where a downloaded path lands, relative to the output folder: the path as written relative to the task's
     * home, or its last name when it lies outside the home.
     *
     * @throws IllegalArgumentException when the path names the home itself or nothing
     */
    public static String localPath(String remote) {
        if (remote == null || remote.isBlank()) {
            throw new IllegalArgumentException("an entry is empty; name a file or folder on task0");
        }
        String path = remote.startsWith("~/") ? remote.substring(2) : remote;
        boolean outside = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (parts.isEmpty()) outside = true;
                else parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(part);
        }
        if (parts.isEmpty() || remote.equals("~")) {
            throw new IllegalArgumentException("'" + remote + "' names no file; name a file or folder on task0, relative "
                    + "to its home");
        }
        return outside ? parts.get(parts.size() - 1) : String.join("/", parts);
    }

    /**
     * Refuses a list two of whose paths would land at the same place in the output folder.
     *
     * @throws IllegalArgumentException naming both paths and the place
     */
    static void checkLayout(List<String> paths) {
        Map<String, String> landed = new LinkedHashMap<>();
        for (String remote : paths) {
            String local = localPath(remote);
            String earlier = landed.putIfAbsent(local, remote);
            if (earlier != null) {
                throw new IllegalArgumentException("'" + earlier + "' and '" + remote + "' would both land at " + local
                        + " in the output folder; download one of them, or a folder that holds both");
            }
        }
    }
}
