package io.fastgpu.core.files;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The kept listings' scripts run by a real bash on real files: every kind of outside change makes a full listing. */
class KeptListingsTest {
    @TempDir Path dir;
    Path base;
    Path stamps;
    Path local;
    final KeptListings cache = new KeptListings();

    @BeforeEach
    void tree() throws IOException {
        base = Files.createDirectories(dir.resolve("remote"));
        stamps = dir.resolve("stamps");
        local = Files.createDirectories(dir.resolve("local"));
        Files.createDirectories(base.resolve("src/pkg"));
        Files.writeString(base.resolve("src/a.py"), "a\n");
        Files.writeString(base.resolve("src/pkg/b.py"), "bb\n");
        Files.writeString(base.resolve("run.sh"), "echo\n");
    }

    /** What a re-upload with nothing to send does: the kept listing confirmed on the machine, else a full listing. */
    private Map<String, FileStamp> list(KeptListings c, String... tops) throws Exception {
        KeptListings.Listing l = c.listing(stamps.toString(), base.toString(), List.of(tops));
        Map<String, FileStamp> kept = l.kept();
        if (kept != null && l.confirmed(bash(l.check()))) return kept;
        return l.read(bash(l.script()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String bash(String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }

    /** The status-change clock ticks in milliseconds: a change in the same tick as a stamp's touch cannot be told. */
    private static void tick() throws InterruptedException { Thread.sleep(30); }

    @Test
    void anUnchangedTreeIsAnsweredFromWhatWasKept() throws Exception {
        Map<String, FileStamp> first = list(cache, "src", "run.sh", "data");
        assertThat(first).containsOnlyKeys("src/a.py", "src/pkg/b.py", "run.sh");
        assertThat(cache.reused()).isZero();
        tick();
        assertThat(list(cache, "src", "run.sh", "data")).isEqualTo(first);
        assertThat(cache.reused()).isEqualTo(1);
        // Other tops are another listing.
        assertThat(list(cache, "src")).containsOnlyKeys("src/a.py", "src/pkg/b.py");
        assertThat(cache.reused()).isEqualTo(1);
    }

    @Test
    void aTopNamedLikeAnOptionIsAPathNeverAnAction() throws Exception {
        Files.createDirectories(base.resolve("-delete"));
        Files.writeString(base.resolve("-delete/x.txt"), "x\n");
        Files.writeString(base.resolve("-v1.txt"), "v\n");
        assertThat(list(cache, "-delete", "-v1.txt")).containsOnlyKeys("-delete/x.txt", "-v1.txt");
        assertThat(base.resolve("src/a.py")).exists();
        assertThat(base.resolve("run.sh")).exists();
    }

    @Test
    void everyKindOfOutsideChangeIsSeen() throws Exception {
        String[] tops = {"src", "run.sh", "data"};
        list(cache, tops);
        tick();
        Files.writeString(base.resolve("src/a.py"), "changed\n");
        assertThat(list(cache, tops).get("src/a.py").size()).isEqualTo(8);
        tick();
        Files.delete(base.resolve("src/pkg/b.py"));
        assertThat(list(cache, tops)).doesNotContainKey("src/pkg/b.py");
        tick();
        // Same size, same modification time: only the status-change time tells.
        FileTime t = Files.getLastModifiedTime(base.resolve("run.sh"));
        Files.writeString(base.resolve("run.sh"), "ECHO\n");
        Files.setLastModifiedTime(base.resolve("run.sh"), t);
        long before = cache.reused();
        list(cache, tops);
        assertThat(cache.reused()).isEqualTo(before);
        tick();
        // A top that was not there appears.
        Files.createDirectories(base.resolve("data"));
        Files.writeString(base.resolve("data/x.csv"), "1\n");
        assertThat(list(cache, tops)).containsKey("data/x.csv");
        tick();
        // A file renamed into a kept folder.
        Files.writeString(dir.resolve("elsewhere.py"), "e\n");
        Files.move(dir.resolve("elsewhere.py"), base.resolve("src/pkg/e.py"));
        assertThat(list(cache, tops)).containsKey("src/pkg/e.py");
        tick();
        // A kept top removed.
        bash("rm -rf " + base.resolve("src"));
        assertThat(list(cache, tops)).containsOnlyKeys("run.sh", "data/x.csv");
        tick();
        list(cache, tops);
        assertThat(cache.reused()).isEqualTo(before + 1);
    }

    @Test
    void ourOwnUploadIsFoldedInAndAnotherProcesssIsNot() throws Exception {
        String[] tops = {"src", "run.sh"};
        KeptListings.Listing l = cache.listing(stamps.toString(), base.toString(), List.of(tops));
        l.read(bash(l.script()).getBytes());
        tick();
        // An upload of one changed file, written as tar would (content, then the local modification time).
        Path changed = local.resolve("a.py");
        Files.writeString(changed, "new a\n");
        Files.setLastModifiedTime(changed, FileTime.fromMillis(1_600_000_000_000L));
        String out = bash(l.beforeUpload() + "cp " + changed + " " + base.resolve("src/a.py")
                + " && touch -d @1600000000 " + base.resolve("src/a.py") + "; rc=$?\n" + l.afterUpload());
        l.uploaded(List.of(new FileCopy(changed, "src/a.py", 6)), out, true);
        tick();
        Map<String, FileStamp> next = list(cache, tops);
        assertThat(cache.reused()).isEqualTo(1);
        assertThat(next.get("src/a.py")).isEqualTo(new FileStamp(6, 1_600_000_000L));

        // Another process's cache writes there: its stamps are not ours.
        KeptListings other = new KeptListings();
        list(other, tops);
        KeptListings.Listing o = other.listing(stamps.toString(), base.toString(), List.of(tops));
        o.read(bash(o.script()).getBytes());
        tick();
        String oOut = bash(o.beforeUpload() + "echo x >> " + base.resolve("run.sh") + "; rc=$?\n" + o.afterUpload());
        o.uploaded(List.of(), oOut, true);
        tick();
        list(cache, tops);
        assertThat(cache.reused()).isEqualTo(1);
    }

    @Test
    void aChangeBetweenTheListingAndTheUploadDropsWhatWasKept() throws Exception {
        String[] tops = {"src"};
        KeptListings.Listing l = cache.listing(stamps.toString(), base.toString(), List.of(tops));
        l.read(bash(l.script()).getBytes());
        tick();
        Files.delete(base.resolve("src/a.py"));
        String out = bash(l.beforeUpload() + "rc=0\n" + l.afterUpload());
        assertThat(out).contains("changed");
        l.uploaded(List.of(), out, true);
        tick();
        assertThat(list(cache, tops)).containsOnlyKeys("src/pkg/b.py");
        assertThat(cache.reused()).isZero();
        // A failed upload drops it too.
        KeptListings.Listing again = cache.listing(stamps.toString(), base.toString(), List.of(tops));
        again.read(bash(again.script()).getBytes());
        again.uploaded(List.of(), "", false);
        tick();
        list(cache, tops);
        assertThat(cache.reused()).isZero();
    }

    @Test
    void aMissingDestinationIsKeptUntilItsTopsAppear() throws Exception {
        base = dir.resolve("nowhere");
        assertThat(list(cache, "src")).isEmpty();
        tick();
        assertThat(list(cache, "src")).isEmpty();
        assertThat(cache.reused()).isEqualTo(1);
        Files.createDirectories(base.resolve("src"));
        Files.writeString(base.resolve("src/new.py"), "n\n");
        assertThat(list(cache, "src")).containsOnlyKeys("src/new.py");
        assertThat(cache.reused()).isEqualTo(1);
    }
    @Test
    void anUploadTrustingAKeptListingWritesNothingWhenTheMachineChanged() throws Exception {
        String[] tops = {"src", "run.sh"};
        list(cache, tops);
        tick();
        Path changed = local.resolve("a.py");
        Files.writeString(changed, "new a\n");
        String copy = "cp " + changed + " " + base.resolve("src/a.py") + "; rc=$?\n";

        // Unchanged since: the upload trusted the kept listing and writes.
        KeptListings.Listing l = cache.listing(stamps.toString(), base.toString(), List.of(tops));
        assertThat(l.kept()).containsOnlyKeys("src/a.py", "src/pkg/b.py", "run.sh");
        String out = bash(l.beforeUpload() + copy + l.afterUpload());
        assertThat(l.uploaded(List.of(new FileCopy(changed, "src/a.py", 6)), out, true)).isFalse();
        assertThat(base.resolve("src/a.py")).hasContent("new a");
        assertThat(cache.reused()).isEqualTo(1);
        tick();

        // Someone else wrote there since: the same upload writes nothing, says so, and the next listing is in full.
        Files.writeString(base.resolve("src/pkg/b.py"), "theirs\n");
        Files.writeString(changed, "newer a\n");
        KeptListings.Listing again = cache.listing(stamps.toString(), base.toString(), List.of(tops));
        assertThat(again.kept()).isNotNull();
        out = bash(again.beforeUpload() + copy + again.afterUpload());
        assertThat(again.uploaded(List.of(new FileCopy(changed, "src/a.py", 8)), out, true)).isTrue();
        assertThat(base.resolve("src/a.py")).hasContent("new a");
        KeptListings.Listing full = cache.listing(stamps.toString(), base.toString(), List.of(tops));
        assertThat(full.kept()).isNull();
        assertThat(full.read(bash(full.script()).getBytes()).get("src/pkg/b.py").size()).isEqualTo(7);
        assertThat(cache.reused()).isEqualTo(1);
    }
}
