/** Public, JDK-only types of FastGPU: specs, instances, results, events and the exception family. */
package io.fastgpu.api;
