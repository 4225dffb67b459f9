package io.fastgpu.transport.ssh;

import io.fastgpu.core.files.FileCopy;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/** Many files as one streamed tar: one round trip for a whole tree, at line rate for large files. */
final class TarStreams {
    private TarStreams() { }

    /** Writes {@code files} (and empty folders) as a POSIX tar with modes and modification times. */
    static void write(List<FileCopy> files, List<String> emptyDirs, OutputStream out, LongConsumer bytes) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.io.BufferedOutputStream(out, 256 * 1024))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (String dir : emptyDirs) {
                TarArchiveEntry e = new TarArchiveEntry(dir.endsWith("/") ? dir : dir + "/");
                e.setMode(0755 | TarArchiveEntry.DEFAULT_DIR_MODE & 0170000);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            byte[] buf = new byte[256 * 1024];
            for (FileCopy f : files) {
                TarArchiveEntry e = new TarArchiveEntry(f.relative());
                long size = Files.size(f.local());
                e.setSize(size);
                e.setModTime(Files.getLastModifiedTime(f.local()));
                e.setMode(Files.isExecutable(f.local()) ? 0100755 : 0100644);
                tar.putArchiveEntry(e);
                try (InputStream in = Files.newInputStream(f.local())) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        tar.write(buf, 0, n);
                        bytes.accept(n);
                    }
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    /**
     * Unpacks a tar into {@code target}. When {@code single} is true the archive holds one file, which
     * becomes {@code target} itself.
     */
    static void extract(InputStream in, Path target, boolean single) throws IOException {
        // The caller drains and closes the stream: the sender may still write the archive's end padding.
        InputStream shielded = new java.io.FilterInputStream(in) {
            @Override public void close() { }
        };
        try (TarArchiveInputStream tar = new TarArchiveInputStream(shielded)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path dest = single ? target : target.resolve(e.getName()).normalize();
                if (!dest.startsWith(target)) throw new IOException("unsafe path in archive: " + e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(dest);
                    continue;
                }
                if (!e.isFile()) continue;
                if (dest.getParent() != null) Files.createDirectories(dest.getParent());
                Files.copy(tar, dest, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(dest, FileTime.from(e.getModTime().toInstant()));
                if ((e.getMode() & 0100) != 0) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dest, LinkOption.NOFOLLOW_LINKS);
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(dest, perms);
                }
            }
        }
    }
}
