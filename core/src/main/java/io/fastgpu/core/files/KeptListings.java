package io.fastgpu.core.files;

import io.fastgpu.core.util.ShellQuote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last listing of each upload destination, kept for as long as the connection to its machine lives (a
 * resident process keeps it between commands), so that a re-upload does not list the whole tree again when
 * nothing else wrote there.
 *
 * <p>How a kept listing is checked: a stamp file on the machine is touched when the listing is taken and
 * again when an upload through this cache has finished writing. Anything that changed there since (a file
 * written, replaced, renamed or deleted: each changes the file's or its folder's status-change time, which
 * no one can set back) has a status-change time newer than the stamp, and one {@code find -cnewer ... -quit}
 * finds it. A listing's tops that did not exist must still not exist. The stamp's name carries this cache's
 * random id: another process's uploads touch other stamps, so they show as changes here.
 *
 * <p>A re-upload trusts the kept listing first ({@link Listing#kept()}): what to send is decided without asking
 * the machine, and the upload's own command checks before it writes ({@link Listing#beforeUpload()}). When
 * something changed, it writes nothing and says so; the caller then lists in full and uploads again
 * ({@link StaleListing}). So a re-upload is one round trip and one walk of the tree on the machine, not two.
 * With nothing to send, {@link Listing#check()} is that round trip.
 *
 * <p>What it cannot see: a write by another process into the uploaded folders within the clock tick (a few
 * milliseconds) of a stamp's touch, or while our own upload's tar is extracting there (a change between the
 * listing and the upload's start is caught: the upload checks before it writes).
 */
public final class KeptListings {
    private final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private final AtomicLong reused = new AtomicLong();

    /** What is known of one destination: the files under its tops, and which tops were not there. */
    private record Kept(Map<String, FileStamp> files, Set<String> present, Set<String> absent) { }

    /** How many listings were answered from what was kept, and confirmed by the machine (for tests and diagnostics). */
    public long reused() { return reused.get(); }

    /**
     * A listing of {@code remoteBase}'s {@code tops}, with its stamp kept in {@code stampDir} on the machine.
     */
    public Listing listing(String stampDir, String remoteBase, Collection<String> tops) {
        Set<String> sorted = new TreeSet<>(tops);
        String key = remoteBase + "\0" + String.join("\0", sorted);
        return new Listing(key, stampDir, stampDir + "/" + id + "-" + digest(key), remoteBase, sorted);
    }

    /** One listing of one destination, then (optionally) the upload that follows it. */
    public final class Listing {
        private final String key;
        private final String stampDir;
        private final String stamp;
        private final String base;
        private final Set<String> tops;
        private volatile boolean keep;
        /** Answered from what was kept, not yet checked on the machine. */
        private volatile boolean unchecked;

        private Listing(String key, String stampDir, String stamp, String base, Set<String> tops) {
            this.key = key;
            this.stampDir = stampDir;
            this.stamp = stamp;
            this.base = base;
            this.tops = tops;
        }

        /**
         * The files kept from this destination's last listing, or null when none is kept. Not checked on the
         * machine: the upload that follows checks them before it writes ({@link #beforeUpload()}), or {@link #check()}
         * when there is nothing to send.
         */
        public Map<String, FileStamp> kept() {
            Kept k = kept.get(key);
            if (k == null) return null;
            keep = true;
            unchecked = true;
            return new HashMap<>(k.files());
        }

        /** Whether this listing was answered by {@link #kept()}, so that the machine has yet to confirm it. */
        public boolean unchecked() { return unchecked; }

        /**
         * The bash script that lists every file under the tops ({@code size mtime path}, NUL-separated), preceded
         * by {@code K} when its stamp was touched first (so the new listing can be kept).
         */
        public String script() {
            StringBuilder sb = new StringBuilder("s=" + ShellQuote.quote(stamp) + "\n");
            sb.append("mkdir -p ").append(ShellQuote.quote(stampDir)).append(" 2>/dev/null && touch \"$s\" 2>/dev/null && {")
                    .append(" printf 'K\\0'; find ").append(ShellQuote.quote(stampDir))
                    .append(" -type f -mmin +1440 -delete 2>/dev/null; }\n");
            // No destination yet: nothing under it, which is kept too (its tops must still be missing).
            sb.append("cd ").append(ShellQuote.quote(base)).append(" 2>/dev/null || exit 0\n");
            sb.append("find");
            // "./" first: a top named like an option ("-delete") is a path to find, never an action.
            for (String t : tops) sb.append(' ').append(ShellQuote.quote("./" + t));
            sb.append(" -type f -printf '%s %T@ %p\\0' 2>/dev/null; true\n");
            return sb.toString();
        }

        /**
         * For an upload with nothing to send after {@link #kept()}: the bash script that prints {@code changed}
         * when the kept listing no longer holds ({@link #confirmed} reads it).
         */
        public String check() {
            Kept k = kept.get(key);
            if (k == null) return "echo changed\n";
            return "s=" + ShellQuote.quote(stamp) + "\n" + changedTest(base, k) + "! __fg_changed || echo changed\n";
        }

        /** Reads {@link #check()}'s output: whether the kept listing held; when not, it is dropped. */
        public boolean confirmed(String output) {
            unchecked = false;
            if (!output.contains("changed")) {
                reused.incrementAndGet();
                return true;
            }
            kept.remove(key);
            keep = false;
            return false;
        }

        /** Reads {@link #script()}'s output: relative path → stamp of every file under the tops. */
        public Map<String, FileStamp> read(byte[] output) {
            String[] records = new String(output, StandardCharsets.UTF_8).split("\0");
            Map<String, FileStamp> files = parse(records);
            boolean stamped = records.length > 0 && records[0].equals("K");
            if (stamped) {
                Set<String> present = new TreeSet<>();
                for (String f : files.keySet()) present.add(top(f));
                Set<String> absent = new TreeSet<>(tops);
                absent.removeAll(present);
                // A top that is there but holds no file (an empty folder) is neither: it cannot be checked cheaply.
                kept.put(key, new Kept(new ConcurrentHashMap<>(files), concurrent(present), concurrent(absent)));
                keep = true;
            } else {
                kept.remove(key);
                keep = false;
            }
            return files;
        }

        /**
         * Shell text run before an upload's writes (empty when nothing is kept). After {@link #kept()}, when
         * something changed since, it prints {@code changed}, reads the rest of the input and ends the command
         * with 0 before anything is written; after a listing just taken, it prints {@code changed} and lets the
         * upload go on (what it sends was decided from that listing).
         */
        public String beforeUpload() {
            Kept k = kept.get(key);
            if (!keep || k == null) return "";
            return "s=" + ShellQuote.quote(stamp) + "\n" + changedTest(base, k)
                    + (unchecked ? "if __fg_changed; then echo changed; cat > /dev/null; exit 0; fi\n" : "! __fg_changed || echo changed\n");
        }

        /** Shell text run after the upload's writes, with its exit code in {@code $rc}: touches the stamp. */
        public String afterUpload() {
            Kept k = kept.get(key);
            if (!keep || k == null) return "";
            return "[ \"$rc\" != 0 ] || touch \"$s\" 2>/dev/null || rm -f \"$s\"\n";
        }

        /**
         * What the upload did: on success, the kept listing gains the files sent (with their local times, which
         * the copy keeps); after a failure, or when {@link #beforeUpload()} saw a change, it is dropped.
         *
         * @return whether the upload wrote nothing because the kept listing it trusted no longer held: list again
         *         and upload again
         */
        public boolean uploaded(List<FileCopy> sent, String output, boolean ok) {
            boolean stale = unchecked && output.contains("changed");
            if (unchecked && !stale) reused.incrementAndGet();
            unchecked = false;
            Kept k = kept.get(key);
            if (k == null || !keep) return stale;
            if (!ok || output.contains("changed")) {
                kept.remove(key);
                keep = false;
                return stale;
            }
            for (FileCopy f : sent) {
                try {
                    k.files().put(f.relative(), new FileStamp(f.size(), Files.getLastModifiedTime(f.local()).toMillis() / 1000));
                } catch (IOException e) {
                    kept.remove(key);
                    return false;
                }
                k.present().add(top(f.relative()));
                k.absent().remove(top(f.relative()));
            }
            return false;
        }
    }

    /**
     * Reads the records of {@code find ./TOP... -type f -printf '%s %T@ %p\0'}: relative path (without the
     * {@code ./}) → stamp; other records are skipped.
     */
    public static Map<String, FileStamp> parse(String[] records) {
        Map<String, FileStamp> files = new HashMap<>();
        for (String rec : records) {
            String[] p = rec.split(" ", 3);
            if (p.length < 3) continue;
            try {
                files.put(p[2].startsWith("./") ? p[2].substring(2) : p[2], new FileStamp(Long.parseLong(p[0]), (long) Double.parseDouble(p[1])));
            } catch (NumberFormatException e) {
                // not a listing line: skip it
            }
        }
        return files;
    }

    /** A shell function that succeeds when something under the kept tops changed since the stamp in {@code $s}. */
    private static String changedTest(String base, Kept k) {
        StringBuilder sb = new StringBuilder("__fg_changed() {\n  [ -f \"$s\" ] || return 0\n");
        for (String a : new TreeSet<>(k.absent())) sb.append("  [ ! -e ").append(ShellQuote.quote(base + "/" + a)).append(" ] || return 0\n");
        if (!k.present().isEmpty()) {
            sb.append("  [ -n \"$(find");
            for (String p : new TreeSet<>(k.present())) sb.append(' ').append(ShellQuote.quote(base + "/" + p));
            sb.append(" -cnewer \"$s\" -print -quit 2>&1)\" ] && return 0\n");
        }
        sb.append("  return 1\n}\n");
        return sb.toString();
    }

    private static Set<String> concurrent(Set<String> s) {
        Set<String> c = ConcurrentHashMap.newKeySet();
        c.addAll(s);
        return c;
    }

    private static String top(String relative) {
        int slash = relative.indexOf('/');
        return slash < 0 ? relative : relative.substring(0, slash);
    }

    private static String digest(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
