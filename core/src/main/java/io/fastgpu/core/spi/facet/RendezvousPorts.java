package io.fastgpu.core.spi.facet;

/** A provider that chooses the port distributed rendezvous uses (default: 29500 on the job's first task). */
public interface RendezvousPorts {
    int DEFAULT = 29500;

    int rendezvousPort(String job);
}
