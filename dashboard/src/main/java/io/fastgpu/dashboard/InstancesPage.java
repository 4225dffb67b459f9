package io.fastgpu.dashboard;

import io.fastgpu.api.Instance;

import java.time.Instant;

/** The machines of every backend: state, GPU, age, cost per hour and so far, and autostop where known. */
final class InstancesPage {
    private final InstanceLister lister;

    InstancesPage(InstanceLister lister) {
        this.lister = lister;
    }

    String render(Instant now) {
        InstanceLister.Listing listing = lister.list(now);
        boolean autostop = listing.rows().stream().anyMatch(r -> r.autostop() != null);
        StringBuilder b = new StringBuilder();
        for (String note : listing.notes()) b.append("<p class=\"note\">").append(Html.esc(note)).append("</p>");
        if (listing.rows().isEmpty()) {
            return Html.page("instances", "Instances", b.append("<p class=\"empty\">No instances on any backend."
                    + " 'fastgpu launch' or 'fastgpu create' makes some.</p>").toString());
        }
        b.append("<table class=\"grid\" id=\"instances\"><thead><tr><th>Instance</th><th>Backend</th><th>State</th>"
                + "<th>GPU</th><th>Type</th><th>Age</th><th>Private IP</th><th>Public IP</th>"
                + "<th class=\"num\">Cost / hour</th><th class=\"num\">Cost so far</th>");
        if (autostop) b.append("<th>Autostop</th>");
        b.append("</tr></thead><tbody>");
        double hourly = 0;
        double soFar = 0;
        for (InstanceRow r : listing.rows()) {
            Instance i = r.instance();
            b.append("<tr><td class=\"name\">").append(Html.esc(i.name())).append("</td><td>").append(Html.esc(i.backend()))
                    .append("</td><td>").append(Html.badge(i.state().label())).append("</td><td>").append(Html.esc(dash(i.gpu())))
                    .append("</td><td>").append(Html.esc(dash(i.instanceType()))).append("</td><td>")
                    .append(i.createdAt().equals(Instant.EPOCH) ? "–" : Html.duration(java.time.Duration.between(i.createdAt(), now)))
                    .append("</td><td>").append(Html.esc(dash(i.privateIp()))).append("</td><td>").append(Html.esc(dash(i.publicIp())))
                    .append("</td><td class=\"num\">").append(r.hourly() == null ? "–" : Html.money(r.hourly()))
                    .append("</td><td class=\"num\">").append(r.soFar() == null ? "–" : Html.money(r.soFar())).append("</td>");
            if (autostop) b.append("<td>").append(Html.esc(dash(r.autostop()))).append("</td>");
            b.append("</tr>");
            if (r.hourly() != null) hourly += r.hourly();
            if (r.soFar() != null) soFar += r.soFar();
        }
        b.append("</tbody></table>");
        b.append("<p class=\"total\">").append(hourly > 0
                ? "Running cost: about " + Html.money(hourly) + " per hour; about " + Html.money(soFar)
                + " so far (each running instance's running hours × its hourly price)."
                : "Nothing here is charged by the hour.").append("</p>");
        return Html.page("instances", "Instances", b.toString());
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "–" : s;
    }
}
