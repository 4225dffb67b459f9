/**
 * The only package that touches Alibaba Cloud's SDK ({@code com.aliyun.*}): {@link io.fastgpu.provider.aliyun.wire.CloudApi}
 * (the clients, retries, errors as {@link io.fastgpu.provider.aliyun.wire.CloudError}), one class of calls per area
 * ({@code InstanceCalls}, {@code OfferCalls}, {@code ImageCalls}, {@code KeyPairCalls}, {@code SecurityGroupCalls},
 * {@code VpcCalls}, {@code NasCalls}) that builds the SDK's requests and turns its answers into records of this
 * package. It knows nothing of FastGPU's provider above it, so an SDK upgrade changes this package alone.
 */
package io.fastgpu.provider.aliyun.wire;
