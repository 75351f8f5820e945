package org.wsiarchive.dicomweb;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class CapabilitiesResourceTest {

    @Test
    void everyImplementedEndpointIsDescribedAndNothingElse() {
        assertEquals(Set.of(), CapabilitiesResource.undescribed());
    }

    @Test
    void wadlListsResourcesMethodsAndMediaTypes() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(CapabilitiesResource.wadl("http://h/dicom-web/")));
        assertEquals(CapabilitiesResource.WADL_NAMESPACE, d.getDocumentElement().getNamespaceURI());
        NodeList resources = d.getElementsByTagNameNS(CapabilitiesResource.WADL_NAMESPACE, "resource");
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < resources.getLength(); i++) paths.add(((Element) resources.item(i)).getAttribute("path"));
        assertTrue(paths.containsAll(Set.of("studies", "series", "instances", "studies/{study}/series/{series}/instances/{instance}/metadata",
                "studies/{study}/series/{series}/instances/{instance}/frames/{frames}")), paths.toString());
        String text = new String(CapabilitiesResource.wadl("http://h/dicom-web/"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("name=\"PatientName\" style=\"query\""));
        assertTrue(text.contains("type=&quot;application/dicom+xml&quot;"));
        assertTrue(text.contains("type=&quot;application/dicom+json&quot;"));
    }
}
