/**
 * An offline stand-in for Tencent Cloud TI-ONE (API 2021-11-11) and the COS XML API: one loopback HTTP
 * server that the official SDKs (the common SDK's {@code CommonClient}, {@code cos_api}) can be pointed
 * at, with signatures checked, errors in the APIs' shapes, and training tasks that really run on
 * emulated machines ({@link io.fastgpu.emulator.machine.EmulatedMachines}).
 */
package io.fastgpu.emulator.tione;
