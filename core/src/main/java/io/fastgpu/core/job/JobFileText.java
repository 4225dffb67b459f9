package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A job file's bytes as text, refused before any YAML is parsed when they cannot be one: too large, not UTF-8,
 * or holding control characters. The YAML parser would otherwise report such files at an arbitrary place or
 * with a decoder's message ("Input length = 4").
 */
final class JobFileText {
    /** A job file holds settings and commands; anything larger is data, or not a job file at all. */
    static final long MAX_BYTES = 1 << 20;

    private JobFileText() { }

    /** The file's text, without a leading byte-order mark. */
    static String read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) throw tooLarge(file, size);
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read job file " + file + ": " + e.getMessage() + "; check it is readable");
        }
        if (bytes.length > MAX_BYTES) throw tooLarge(file, bytes.length); // it grew while being read
        String text = decode(file, bytes);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int cp = text.codePointAt(i);
            if (!yamlPrintable(cp)) {
                int line = 1;
                int lineStart = 0;
                for (int j = 0; j < i; j++) {
                    if (text.charAt(j) == '\n') {
                        line++;
                        lineStart = j + 1;
                    }
                }
                int offset = text.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
                throw new InvalidSpecException(file + ":" + line + ":" + (i - lineStart + 1) + ": " + describe(cp)
                        + " at byte offset " + offset + "; a job file is text: remove it, or check that this is the job file "
                        + "you meant");
            }
        }
        return text;
    }

    private static InvalidSpecException tooLarge(Path file, long size) {
        return new InvalidSpecException(file + ": the job file is " + size(size) + " (" + size + " bytes), over the limit of "
                + size(MAX_BYTES) + "; a job file holds settings and commands: put data in a file it uploads");
    }

    private static String size(long bytes) {
        if (bytes >= 1 << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    private static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') line++;
            }
            throw new InvalidSpecException(file + ":" + line + ": not UTF-8 text: byte 0x"
                    + String.format(Locale.ROOT, "%02X", bytes[offset] & 0xff) + " at byte offset " + offset
                    + " is not valid UTF-8; save the file as UTF-8, or check that this is the job file you meant");
        }
        out.flip();
        return out.toString();
    }

    /** What YAML allows in a file: tab, line breaks and printable characters. */
    private static boolean yamlPrintable(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r' || cp >= 0x20 && cp <= 0x7E || cp == 0x85
                || cp >= 0xA0 && cp <= 0xD7FF || cp >= 0xE000 && cp <= 0xFFFD || cp >= 0x10000 && cp <= 0x10FFFF;
    }

    /** Where the first control character of {@code s} is (an index into it), or -1. */
    static int firstControl(String s) {
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            if (isControl(s.codePointAt(i))) return i;
        }
        return -1;
    }

    /**
     * Whether a character would act on a terminal rather than show: control characters (line breaks, tabs,
     * escape sequences) and invisible format characters (such as right-to-left overrides).
     */
    static boolean isControl(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** A character, named so that the user can find it. */
    static String describe(int cp) {
        String code = String.format(Locale.ROOT, "U+%04X", cp);
        return switch (cp) {
            case 0 -> "a NUL byte (U+0000)";
            case '\n', '\r' -> "a line break (" + code + ")";
            case '\t' -> "a tab (" + code + ")";
            case 0x1B -> "an escape character (" + code + ", as in terminal colour codes)";
            default -> "control character " + code;
        };
    }
}
