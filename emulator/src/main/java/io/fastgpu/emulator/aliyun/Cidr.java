package io.fastgpu.emulator.aliyun;

/**
 * An IPv4 CIDR block such as {@code 172.16.0.0/12}, held as its network address and mask length.
 * Only canonical blocks (no host bits set) parse.
 */
record Cidr(long network, int prefix) {

    /** The block, or null when {@code text} is not a canonical IPv4 CIDR block. */
    static Cidr parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        Long address = parseAddress(text.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (address == null || prefix < 0 || prefix > 32 || (address & ~mask(prefix)) != 0) {
            return null;
        }
        return new Cidr(address, prefix);
    }

    /** A dotted-quad address as an unsigned 32-bit value, or null when malformed. */
    static Long parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return null;
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    long size() {
        return 1L << (32 - prefix);
    }

    long last() {
        return network + size() - 1;
    }

    boolean contains(Cidr other) {
        return other.prefix >= prefix && other.network >= network && other.last() <= last();
    }

    boolean contains(long address) {
        return address >= network && address <= last();
    }

    boolean overlaps(Cidr other) {
        return network <= other.last() && other.network <= last();
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
