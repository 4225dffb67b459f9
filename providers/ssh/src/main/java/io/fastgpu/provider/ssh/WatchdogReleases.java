package io.fastgpu.provider.ssh;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.transport.ssh.SshTransport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Claims whose task the host's watchdog ended (idle, or past its deadline): the host is never powered off, so the
 * claim is let go by the next command that asks the host ({@code ls}, or a job that needs a free host), and the host
 * is free for any job again. The task's folder there is kept (its files, logs and checkpoints).
 */
final class WatchdogReleases {
    private final Claims claims;
    private final Function<Fleet.Host, SshTransport> admin;
    private final BiFunction<Claims.Claim, Fleet.Host, Instance> instance;
    private final EventListener events;

    /**
     * @param admin    a connection to a host outside any task
     * @param instance the instance a claim on a host stands for
     */
    WatchdogReleases(Claims claims, Function<Fleet.Host, SshTransport> admin, BiFunction<Claims.Claim, Fleet.Host, Instance> instance,
                     EventListener events) {
        this.claims = claims;
        this.admin = admin;
        this.instance = instance;
        this.events = events;
    }

    /** Asks each claimed host of {@code f}, side by side, and lets go of the claims whose task its watchdog ended. */
    void releaseIn(Fleet f) {
        List<Claims.Claim> held = claims.all().stream().filter(c -> c.fleet().equals(f.name())).toList();
        Parallel.all("ask claimed hosts", held, Claims.Claim::task, c -> {
            f.hosts().stream().filter(x -> x.id().equals(c.hostKey())).findFirst()
                    .ifPresent(h -> firedOn(h, c).ifPresent(why -> release(instance.apply(c, h), why)));
            return null;
        });
    }

    /** Lets go of the claim of {@code i}, whose watchdog ended it for {@code why}, and says so. */
    void release(Instance i, String why) {
        boolean removed = claims.locked(() -> {
            Optional<Claims.Claim> c = claims.all().stream().filter(x -> x.id().equals(i.id())).findFirst();
            c.ifPresent(claims::remove);
            return c.isPresent();
        });
        if (removed) {
            events.on(new Event.Notice(Event.Level.INFO, i.name() + " released " + i.privateIp() + ": its watchdog ended the task ("
                    + why + "); its folder there (~/fastgpu/" + i.id().substring(i.id().indexOf("--") + 2) + ") is kept"));
        }
    }

    /**
     * Why the watchdog of {@code c}'s task ended it ({@code idle}, {@code deadline}), when it did; empty when it did
     * not, or the host does not answer within a few seconds.
     */
    private Optional<String> firedOn(Fleet.Host h, Claims.Claim c) {
        return BoundedAnswer.of(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            admin.apply(h).exec(HostProbe.firedCommand(c.workdir()), HostProbe.sinkOf(out), BoundedAnswer.WITHIN);
            return out.toString(StandardCharsets.UTF_8);
        }).flatMap(HostProbe::firedReason);
    }
}
