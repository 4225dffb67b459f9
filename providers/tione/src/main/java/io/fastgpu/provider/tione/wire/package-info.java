/**
 * The only place the Tencent Cloud SDK types appear: TI-ONE calls through the common SDK's
 * {@code CommonClient} with Jackson JSON of our own, and COS through {@code cos_api}. Everything above
 * sees plain values and one-line {@link io.fastgpu.api.FastGpuException}s.
 */
package io.fastgpu.provider.tione.wire;
