package io.fastgpu.provider.aliyun;

import com.aliyun.ecs20140526.models.DescribeImagesRequest;
import io.fastgpu.api.InvalidSpecException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Finds an image by id, by exact name, or by the start of its name (newest first), as users write them. */
public final class Images {
    /** An image as {@code fastgpu queryimage} lists it. */
    public record Image(String id, String name, String os, int sizeGb, String created) { }

    private final CloudApi api;

    Images(CloudApi api) { this.api = api; }

    /** The public (system) images of the region, newest first. */
    List<Image> list() {
        List<Image> all = new ArrayList<>();
        for (int page = 1; page < 50; page++) {
            int p = page;
            var body = api.call("DescribeImages", () -> api.ecs().describeImages(new DescribeImagesRequest()
                    .setRegionId(api.region()).setImageOwnerAlias("system").setPageSize(100).setPageNumber(p))).getBody();
            var list = body.getImages() == null ? null : body.getImages().getImage();
            if (list == null || list.isEmpty()) break;
            for (var i : list) {
                all.add(new Image(i.getImageId(), i.getImageName() == null ? "" : i.getImageName(),
                        i.getOSName() == null ? "" : i.getOSName(), i.getSize() == null ? 0 : i.getSize(),
                        i.getCreationTime() == null ? "" : i.getCreationTime()));
            }
            if (body.getTotalCount() == null || all.size() >= body.getTotalCount()) break;
        }
        all.sort(Comparator.comparing(Image::created).reversed().thenComparing(Image::name));
        return all;
    }

    /** The image id for {@code wanted}: an id, a name, or a name prefix such as {@code ubuntu_22_04}. */
    String resolve(String wanted) {
        var byId = api.call("DescribeImages", () -> api.ecs().describeImages(new DescribeImagesRequest()
                .setRegionId(api.region()).setImageId(wanted))).getBody();
        if (byId.getImages() != null && byId.getImages().getImage() != null) {
            for (var i : byId.getImages().getImage()) if (wanted.equals(i.getImageId())) return i.getImageId();
        }
        var byName = api.call("DescribeImages", () -> api.ecs().describeImages(new DescribeImagesRequest()
                .setRegionId(api.region()).setImageName(wanted))).getBody();
        if (byName.getImages() != null && byName.getImages().getImage() != null) {
            for (var i : byName.getImages().getImage()) if (wanted.equals(i.getImageName())) return i.getImageId();
        }
        List<Image> all = list();
        for (Image i : all) if (i.name().startsWith(wanted) || i.id().startsWith(wanted)) return i.id();
        List<String> names = all.stream().map(Image::name).limit(200).toList();
        String hint = io.fastgpu.core.util.Suggest.closest(wanted, names).map(s -> " (did you mean '" + s + "'?)").orElse("");
        throw new InvalidSpecException("image '" + wanted + "' not found in " + api.region() + hint
                + "; 'fastgpu queryimage' lists the images");
    }
}
