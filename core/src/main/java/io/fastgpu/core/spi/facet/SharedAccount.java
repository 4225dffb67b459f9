package io.fastgpu.core.spi.facet;

import io.fastgpu.api.Instance;

import java.util.List;

/** A provider whose machines live in an account several people share, in one region. */
public interface SharedAccount {
    /** Where its machines are, for listings: {@code In Region cn-hangzhou}. */
    String scope();

    /** Every machine in the account, other users' too. */
    List<Instance> listAllOwners();
}
