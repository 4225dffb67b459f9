package io.fastgpu.core.metrics;

import io.fastgpu.core.state.MetricPoint;

import java.util.List;

/**
 * One metric of a run, for a chart: its newest point, how many points it has, and its points in order (thinned
 * evenly when there are more than asked for).
 *
 * @param name   the metric's name as the script gave it: any text, to be escaped where it is shown
 * @param latest the newest point
 * @param count  how many points the metric has in all
 * @param points the points to draw, oldest first
 */
public record MetricSeries(String name, MetricPoint latest, long count, List<MetricPoint> points) {
    public MetricSeries {
        points = List.copyOf(points);
    }

    /** The smallest and largest value drawn. */
    public double min() { return points.stream().mapToDouble(MetricPoint::value).min().orElse(latest.value()); }

    public double max() { return points.stream().mapToDouble(MetricPoint::value).max().orElse(latest.value()); }
}
