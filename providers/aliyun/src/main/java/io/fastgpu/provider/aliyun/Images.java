package io.fastgpu.provider.aliyun;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.ImageCalls;
import io.fastgpu.provider.aliyun.wire.ImageCalls.CloudImage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Finds an image by id, by exact name, or by the start of its name (newest first), as users write them. */
final class Images {
    private final ImageCalls images;
    private final String region;

    Images(CloudApi api) {
        this.images = new ImageCalls(api);
        this.region = api.region();
    }

    /** The public (system) images of the region, newest first. */
    List<CloudImage> list() {
        List<CloudImage> all = new ArrayList<>(images.systemImages());
        all.sort(Comparator.comparing(CloudImage::created).reversed().thenComparing(CloudImage::name));
        return all;
    }

    /** The image id for {@code wanted}: an id, a name, or a name prefix such as {@code ubuntu_22_04}. */
    String resolve(String wanted) {
        Optional<String> exact = images.withId(wanted).or(() -> images.named(wanted));
        if (exact.isPresent()) return exact.get();
        List<CloudImage> all = list();
        for (CloudImage i : all) if (i.name().startsWith(wanted) || i.id().startsWith(wanted)) return i.id();
        List<String> names = all.stream().map(CloudImage::name).limit(200).toList();
        String hint = Suggest.closest(wanted, names).map(s -> " (did you mean '" + s + "'?)").orElse("");
        throw new InvalidSpecException("image '" + wanted + "' not found in " + region + hint + "; 'fastgpu queryimage' lists the images");
    }
}
