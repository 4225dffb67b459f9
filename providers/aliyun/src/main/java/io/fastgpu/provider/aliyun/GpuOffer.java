package io.fastgpu.provider.aliyun;

/**
 * A GPU instance type as {@code fastgpu querygpu} lists it.
 *
 * @param pricePerHour pay-as-you-go estimate per hour (CNY), from the dated table
 */
public record GpuOffer(String instanceType, String gpuModel, int gpuCount, int gpuMemoryGb, int vcpu, double memoryGb,
                       double pricePerHour) { }
