package io.fastgpu.api;

/**
 * What each machine of a job should be.
 *
 * @param instanceType provider instance type (empty: the provider's default)
 * @param image        image name or id (empty: the provider's default)
 * @param spot         buy preemptible capacity
 * @param diskGb       system disk size in GiB
 */
public record Resources(String instanceType, String image, boolean spot, int diskGb) {
    public static final Resources DEFAULT = new Resources("", "", false, 100);

    public Resources {
        instanceType = instanceType == null ? "" : instanceType.trim();
        image = image == null ? "" : image.trim();
        if (diskGb < 1 || diskGb > 65536) {
            throw new IllegalArgumentException("disk_gb must be 1..65536, was " + diskGb);
        }
    }
}
