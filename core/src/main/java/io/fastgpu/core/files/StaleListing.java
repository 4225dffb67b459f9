package io.fastgpu.core.files;

/**
 * An upload wrote nothing because the machine's files changed since the kept listing that decided what to send
 * (see {@link KeptListings}); the listing is dropped, so listing again and uploading again sends what differs.
 */
public final class StaleListing extends RuntimeException {
    public StaleListing(String message) {
        super(message, null, false, false);
    }
}
