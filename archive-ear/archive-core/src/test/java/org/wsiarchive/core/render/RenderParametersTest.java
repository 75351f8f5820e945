package org.wsiarchive.core.render;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RenderParametersTest {

    @Test
    void parsesViewportQualityWindowAndIgnoresUnknownParameters() {
        RenderParameters p = RenderParameters.parse("image/png", Map.of("viewport", "300,200", "quality", "75",
                "window", "40,400,SIGMOID", "iccprofile", "yes", "annotation", "patient", "x", "y"));
        assertEquals(300, p.viewportWidth());
        assertEquals(200, p.viewportHeight());
        assertEquals(75, p.quality());
        assertEquals(40, p.windowCenter());
        assertEquals(400, p.windowWidth());
        assertEquals("sigmoid", p.windowFunction());
        assertEquals(RenderParameters.Icc.YES, p.iccProfile());
        RenderParameters region = RenderParameters.parse("image/jpeg", Map.of("viewport", "100,,10,20,500,400"));
        assertEquals(0, region.viewportHeight());
        assertEquals(500, region.cropWidth());
    }

    @Test
    void refusesInvalidValuesWithTheReason() {
        for (Map<String, String> q : java.util.List.of(Map.of("viewport", "a,b"), Map.of("viewport", "1"),
                Map.of("quality", "0"), Map.of("quality", "101"), Map.of("window", "1"), Map.of("window", "1,0"),
                Map.of("window", "1,2,cubic"), Map.of("iccprofile", "adobergb"), Map.of("viewport", "99999,1"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RenderParameters.parse("image/png", q), q.toString());
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void outputKeepsTheAspectRatio() {
        assertArrayEquals(new int[] {200, 150}, Renderer.outputSize(800, 600, RenderParameters.parse("image/png", Map.of("viewport", "200,200"))));
        assertArrayEquals(new int[] {267, 200}, Renderer.outputSize(800, 600, RenderParameters.parse("image/png", Map.of("viewport", ",200"))));
        assertArrayEquals(new int[] {800, 600}, Renderer.outputSize(800, 600, RenderParameters.parse("image/png", Map.of())));
        assertArrayEquals(new int[] {4096, 2048}, Renderer.outputSize(100000, 50000, RenderParameters.parse("image/png", Map.of())));
    }

    @Test
    void windowFunctionsFollowPs33() {
        Renderer.Window linear = new Renderer.Window(100, 50, "linear");
        assertEquals(0, Renderer.voi(50, linear));
        assertEquals(255, Renderer.voi(150, linear));
        assertEquals(130, Renderer.voi(100, linear)); // ((100 - 99.5) / 49 + 0.5) * 255
        assertEquals(128, Renderer.voi(100, new Renderer.Window(100, 50, "sigmoid")), 1);
        assertEquals(128, Renderer.voi(100, new Renderer.Window(100, 50, "linear-exact")), 1);
    }

    @Test
    void embeddedIccProfilesLeaveValidImages() throws Exception {
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(1, 1, 0xFF0000);
        byte[] icc = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();
        byte[] png = Renderer.withPngIcc(Renderer.png(img), icc);
        byte[] jpeg = Renderer.withJpegIcc(Renderer.jpeg(img, 90), icc);
        assertTrue(new String(png, StandardCharsets.ISO_8859_1).contains("iCCP"));
        assertTrue(new String(jpeg, StandardCharsets.ISO_8859_1).contains("ICC_PROFILE"));
        assertEquals(8, ImageIO.read(new ByteArrayInputStream(png)).getWidth());
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertEquals(4, back.getHeight());
        assertNotNull(back.getColorModel().getColorSpace());
    }
}
