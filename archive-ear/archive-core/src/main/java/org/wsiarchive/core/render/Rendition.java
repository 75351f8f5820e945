package org.wsiarchive.core.render;

/** An encoded image ready to send: its bytes, media type and pixel size. */
public record Rendition(byte[] body, String mediaType, int width, int height) {}
