package io.fastgpu.provider.aliyun.wire;

import com.aliyun.ecs20140526.models.DescribeImagesRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The images of the region. */
public final class ImageCalls {
    /** An image as {@code fastgpu queryimage} lists it. */
    public record CloudImage(String id, String name, String os, int sizeGb, String created) { }

    private final CloudApi api;

    public ImageCalls(CloudApi api) { this.api = api; }

    /** The public (system) images of the region, in the API's order. */
    public List<CloudImage> systemImages() {
        List<CloudImage> all = new ArrayList<>();
        for (int page = 1; page < 50; page++) {
            int p = page;
            var body = api.call("DescribeImages", () -> api.ecs().describeImages(new DescribeImagesRequest()
                    .setRegionId(api.region()).setImageOwnerAlias("system").setPageSize(100).setPageNumber(p))).getBody();
            var list = body.getImages() == null ? null : body.getImages().getImage();
            if (list == null || list.isEmpty()) break;
            for (var i : list) {
                all.add(new CloudImage(i.getImageId(), InstanceCalls.nz(i.getImageName()), InstanceCalls.nz(i.getOSName()),
                        i.getSize() == null ? 0 : i.getSize(), InstanceCalls.nz(i.getCreationTime())));
            }
            if (body.getTotalCount() == null || all.size() >= body.getTotalCount()) break;
        }
        return all;
    }

    /** The image whose id is exactly {@code id}, when there is one. */
    public Optional<String> withId(String id) {
        var body = api.call("DescribeImages", () -> api.ecs().describeImages(new DescribeImagesRequest()
                .setRegionId(api.region()).setImageId(id))).getBody();
        if (body.getImages() == null || body.getImages().getImage() == null) return Optional.empty();
        return body.getImages().getImage().stream().map(i -> i.getImageId()).filter(id::equals).findFirst();
    }

    /** The id of the image named exactly {@code name}, when there is one. */
    public Optional<String> named(String name) {
        var body = api.call("DescribeImages", () -> api.ecs().describeImages(new DescribeImagesRequest()
                .setRegionId(api.region()).setImageName(name))).getBody();
        if (body.getImages() == null || body.getImages().getImage() == null) return Optional.empty();
        return body.getImages().getImage().stream().filter(i -> name.equals(i.getImageName())).map(i -> i.getImageId()).findFirst();
    }
}
