package io.fastgpu.dashboard;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.runtime.FastGpu;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fastgpu ui}: a web server on 127.0.0.1 only that shows what the CLI shows, read from the same state store
 * and backends: the instances of every backend, the runs, a run's live logs and metric charts, the models.
 *
 * <p>Every request needs the random token of {@link #url()} (then its cookie); every other is refused with 403.
 * Pages are plain HTML escaped throughout, with a small script and uPlot (packaged in this jar) on the run page,
 * and a content security policy that allows scripts from this server only.
 */
public final class DashboardServer implements AutoCloseable {
    /** The address it listens on: this machine only. */
    public static final String HOST = "127.0.0.1";

    private static final String STATIC = "/io/fastgpu/dashboard/static/";
    private static final Map<String, String> ASSETS = Map.of(
            "dashboard.css", "text/css", "run.js", "text/javascript",
            "uPlot.iife.min.js", "text/javascript", "uPlot.min.css", "text/css", "uPlot-LICENSE", "text/plain");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Javalin app;
    private final AccessGuard guard;

    private DashboardServer(Javalin app, AccessGuard guard) {
        this.app = app;
        this.guard = guard;
    }

    /**
     * Starts the server on {@code port} of 127.0.0.1 (0: any free port), showing the model registry of the state
     * store and collecting a running run's newest metrics while its page is open.
     *
     * @throws FastGpuException if the port is in use or cannot be listened on
     */
    public static DashboardServer start(FastGpu fastGpu, int port) {
        return start(fastGpu, port, MetricRefresher.collecting(fastGpu), ModelsView.of(fastGpu));
    }

    /**
     * Starts the server on {@code port} of 127.0.0.1 (0: any free port).
     *
     * @param refresher collects a running run's newest metrics while its page is open
     * @param models    the models page's content
     * @throws FastGpuException if the port is in use or cannot be listened on
     */
    public static DashboardServer start(FastGpu fastGpu, int port, MetricRefresher refresher, ModelsView models) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        RunFacts facts = new RunFacts(fastGpu);
        InstancesPage instances = new InstancesPage(new InstanceLister(fastGpu));
        RunsPage runs = new RunsPage(fastGpu, facts);
        RunPage run = new RunPage(fastGpu, facts);
        RunStream stream = new RunStream(fastGpu, facts, refresher);
        ModelsPage modelsPage = new ModelsPage(models);
        AtomicReference<AccessGuard> guard = new AtomicReference<>();
        Javalin app = Javalin.create(cfg -> {
            cfg.jetty.host = HOST;
            cfg.jetty.port = port;
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.startup.startupWatcherEnabled = false;
            cfg.routes.before(ctx -> {
                ctx.header("Content-Security-Policy", CSP);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Cache-Control", "no-store");
                AccessGuard g = guard.get();
                if (g == null) {
                    ctx.status(503).result("starting\n");
                    ctx.skipRemainingHandlers();
                } else {
                    g.check(ctx);
                }
            });
            cfg.routes.get("/", ctx -> ctx.redirect("/runs"));
            cfg.routes.get("/instances", ctx -> ctx.html(instances.render(Instant.now())));
            cfg.routes.get("/runs", ctx -> ctx.html(runs.render(Instant.now())));
            cfg.routes.get("/runs/{id}", ctx -> {
                Long id = runId(ctx);
                var page = id == null ? java.util.Optional.<String>empty() : run.render(id, Instant.now());
                if (page.isPresent()) ctx.html(page.get());
                else ctx.status(404).html(Html.page("runs", "No such run", "<p>There is no run "
                        + Html.esc(ctx.pathParam("id")) + ". <a href=\"/runs\">All runs</a></p>"));
            });
            cfg.routes.sse("/runs/{id}/stream", client -> {
                Long id = runId(client.ctx());
                if (id != null) stream.follow(client, id);
            });
            cfg.routes.get("/models", ctx -> ctx.html(modelsPage.render()));
            cfg.routes.get("/static/{file}", DashboardServer::asset);
            cfg.routes.exception(FastGpuException.class, (e, ctx) -> ctx.status(500).html(Html.page("", "Something went wrong",
                    "<p class=\"note\">" + Html.esc(e.getMessage()) + "</p>")));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            if (causedBy(e, BindException.class)) {
                throw new FastGpuException("port " + port + " on " + HOST + " is in use; pick another with --port"
                        + " (or --port 0 for any free one)", e);
            }
            throw new FastGpuException("cannot start the dashboard on " + HOST + ":" + port + " (" + e.getMessage() + ")", e);
        }
        AccessGuard g = new AccessGuard(app.port());
        guard.set(g);
        return new DashboardServer(app, g);
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The address to open, with the token: {@code http://127.0.0.1:PORT/?token=...}. */
    public String url() {
        return "http://" + HOST + ":" + port() + "/?" + AccessGuard.QUERY_PARAM + "=" + guard.token();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static Long runId(Context ctx) {
        String id = ctx.pathParam("id");
        return id.matches("\\d{1,18}") ? Long.valueOf(id) : null;
    }

    private static void asset(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        String type = ASSETS.get(file);
        String path = STATIC + (file.startsWith("uPlot") ? "vendor/" + (file.equals("uPlot-LICENSE") ? "LICENSE" : file) : file);
        InputStream in = type == null ? null : DashboardServer.class.getResourceAsStream(path);
        if (in == null) {
            ctx.status(404).result("no such file\n");
            return;
        }
        try (in) {
            ctx.header("Cache-Control", "private, max-age=3600");
            ctx.contentType(type + "; charset=utf-8").result(in.readAllBytes());
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }
}
