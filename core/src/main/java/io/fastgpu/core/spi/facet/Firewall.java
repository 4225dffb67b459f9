package io.fastgpu.core.spi.facet;

/** A provider whose machines sit behind a firewall the user opens to an address ({@code fastgpu addip}). */
public interface Firewall {
    /** Lets {@code cidr} reach the machines over SSH (22/tcp); never {@code 0.0.0.0/0}. */
    void allowSsh(String cidr);
}
