/** SSH transport: one reused connection per host for exec, SFTP and streamed tar transfers. */
package io.fastgpu.transport.ssh;
