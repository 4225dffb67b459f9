package io.fastgpu.core.spi.facet;

/** A provider that pins the SSH host keys of its machines, and can forget one. */
public interface HostKeyStore {
    /** Forgets the pinned key of {@code host} (name, address or {@code [host]:port}); false when none was pinned. */
    boolean forgetHost(String host);

    /** Where the keys are kept, for messages. */
    String location();
}
