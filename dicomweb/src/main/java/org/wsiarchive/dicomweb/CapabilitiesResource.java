package org.wsiarchive.dicomweb;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.wsiarchive.core.dicom.Keywords;
import org.wsiarchive.core.query.QueryAttribute;
import org.wsiarchive.core.query.QueryLevel;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.*;

/**
 * The Retrieve Capabilities transaction (PS3.18 8.9): {@code OPTIONS /dicom-web/} (or {@code GET /dicom-web/})
 * answers a WADL document ({@code application/vnd.sun.wadl+xml}) listing every resource, method, query parameter and
 * media type this service implements.
 *
 * <p>The resources and methods are not written down here: they are read by reflection from the JAX-RS annotations
 * of the resource classes, so a resource cannot exist without being listed (and vice versa). What annotations
 * cannot say — the media types, negotiated by hand from Accept, and the query parameters — is in {@link #DESCRIPTIONS},
 * keyed by method and path; {@link #undescribed()} (checked by a unit test) finds an endpoint without a description.
 * QIDO-RS matching keys come from the core's {@link QueryAttribute} table, the one definition of matching.
 */
@Path("/")
public class CapabilitiesResource {

    static final String WADL = "application/vnd.sun.wadl+xml";
    static final String WADL_NAMESPACE = "http://wadl.dev.java.net/2009/02";
    static final List<Class<?>> RESOURCES = List.of(StowResource.class, QidoResource.class, WadoResource.class,
            CapabilitiesResource.class);

    private static final String JSON = DicomWebResponses.DICOM_JSON;
    private static final String MULTIPART_DICOM = "multipart/related; type=\"application/dicom\"";
    private static final String MULTIPART_XML = "multipart/related; type=\"application/dicom+xml\"";
    private static final List<String> FRAME_TYPES = List.of(
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*", "image/jpeg", "image/jls",
            "image/jp2", "image/dicom-rle", "application/octet-stream", "*/*");
    private static final List<String> QIDO_PARAMETERS = List.of("limit", "offset", "includefield", "fuzzymatching");

    /** What a method of a resource takes and gives; {@code level} names the QIDO-RS level whose keys it matches. */
    record Description(List<String> requestTypes, List<String> responseTypes, QueryLevel level, String doc) {
        static Description of(List<String> request, List<String> response, String doc) {
            return new Description(request, response, null, doc);
        }
    }

    static final Map<String, Description> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        List<String> stowTypes = List.of(MULTIPART_DICOM, "multipart/related; type=\"application/dicom+json\"");
        describe("POST", "studies", Description.of(stowTypes, List.of(JSON), "STOW-RS: store instances"));
        describe("POST", "studies/{study}", Description.of(stowTypes, List.of(JSON), "STOW-RS: store instances of one study"));
        qido("studies", QueryLevel.STUDY);
        qido("series", QueryLevel.SERIES);
        qido("studies/{study}/series", QueryLevel.SERIES);
        qido("instances", QueryLevel.INSTANCE);
        qido("studies/{study}/instances", QueryLevel.INSTANCE);
        qido("studies/{study}/series/{series}/instances", QueryLevel.INSTANCE);
        List<String> instanceTypes = List.of(MULTIPART_DICOM + "; transfer-syntax=*", MULTIPART_DICOM);
        describe("GET", "studies/{study}", Description.of(List.of(), instanceTypes, "WADO-RS: the study's instances as stored"));
        describe("GET", "studies/{study}/series/{series}", Description.of(List.of(), instanceTypes, "WADO-RS: the series' instances as stored"));
        describe("GET", "studies/{study}/series/{series}/instances/{instance}", Description.of(List.of(),
                List.of(MULTIPART_DICOM + "; transfer-syntax=*", MULTIPART_DICOM, "application/dicom"), "WADO-RS: one instance as stored"));
        for (String p : List.of("studies/{study}/metadata", "studies/{study}/series/{series}/metadata",
                "studies/{study}/series/{series}/instances/{instance}/metadata")) {
            describe("GET", p, Description.of(List.of(), List.of(JSON, MULTIPART_XML), "WADO-RS: metadata, absolute BulkDataURIs"));
        }
        describe("GET", "studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
                Description.of(List.of(), FRAME_TYPES, "WADO-RS: frames in their stored encoding"));
        describe("GET", "studies/{study}/series/{series}/instances/{instance}/bulkdata/{path: .+}",
                Description.of(List.of(), List.of("multipart/related; type=\"application/octet-stream\"", "application/octet-stream"),
                        "WADO-RS: bulk data by tag path"));
        describe("GET", "", Description.of(List.of(), List.of(WADL), "Retrieve Capabilities"));
        describe("OPTIONS", "", Description.of(List.of(), List.of(WADL), "Retrieve Capabilities"));
    }

    private static void describe(String method, String path, Description d) {
        DESCRIPTIONS.put(method + " " + path, d);
    }

    private static void qido(String path, QueryLevel level) {
        DESCRIPTIONS.put("GET " + path, new Description(List.of(), List.of(JSON), level, "QIDO-RS: search"));
    }

    @Context
    HttpHeaders headers;
    @Context
    UriInfo uriInfo;

    @OPTIONS
    public Response options() {
        return capabilities();
    }

    @GET
    public Response get() {
        return capabilities();
    }

    private Response capabilities() {
        List<AcceptedType> accepted = AcceptedType.parse(headers.getHeaderString(HttpHeaders.ACCEPT));
        if (!accepted.isEmpty() && accepted.stream().noneMatch(a -> !a.multipart()
                && (a.accepts(WADL) || a.accepts("application/xml")))) {
            return DicomWebResponses.error(Response.Status.NOT_ACCEPTABLE, "capabilities are available as " + WADL);
        }
        byte[] wadl = wadl(RequestContext.baseUrl(uriInfo, headers) + "/");
        return Response.ok(wadl, WADL).header(HttpHeaders.VARY, "Accept, Accept-Encoding")
                .header("Allow", "GET, OPTIONS").build();
    }

    /** An implemented endpoint: HTTP method and path template relative to the base. */
    record Endpoint(String method, String path) {}

    static List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (Class<?> c : RESOURCES) {
            for (Method m : c.getDeclaredMethods()) {
                String http = null;
                for (Annotation a : m.getAnnotations()) {
                    HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
                    if (hm != null) http = hm.value();
                }
                if (http == null) continue;
                Path p = m.getAnnotation(Path.class);
                out.add(new Endpoint(http, p == null ? "" : p.value().replaceAll("^/|/$", "")));
            }
        }
        out.sort(Comparator.comparing(Endpoint::path).thenComparing(Endpoint::method));
        return out;
    }

    /** Endpoints without a description, and descriptions without an endpoint: both must be empty. */
    static Set<String> undescribed() {
        Set<String> implemented = new TreeSet<>();
        endpoints().forEach(e -> implemented.add(e.method() + " " + e.path()));
        Set<String> out = new TreeSet<>(implemented);
        out.removeAll(DESCRIPTIONS.keySet());
        for (String d : DESCRIPTIONS.keySet()) if (!implemented.contains(d)) out.add(d + " (described, not implemented)");
        return out;
    }

    static byte[] wadl(String base) {
        Map<String, List<Endpoint>> byPath = new LinkedHashMap<>();
        for (Endpoint e : endpoints()) byPath.computeIfAbsent(e.path(), k -> new ArrayList<>()).add(e);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(bytes, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("application");
            x.writeDefaultNamespace(WADL_NAMESPACE);
            x.writeStartElement("doc");
            x.writeAttribute("title", "WSI archive DICOMweb (PS3.18): STOW-RS, QIDO-RS, WADO-RS");
            x.writeEndElement();
            x.writeStartElement("resources");
            x.writeAttribute("base", base);
            for (Map.Entry<String, List<Endpoint>> r : byPath.entrySet()) {
                x.writeStartElement("resource");
                x.writeAttribute("path", r.getKey().replace("{path: .+}", "{path}"));
                for (String template : templateParameters(r.getKey())) {
                    x.writeEmptyElement("param");
                    x.writeAttribute("name", template);
                    x.writeAttribute("style", "template");
                    x.writeAttribute("required", "true");
                }
                for (Endpoint e : r.getValue()) {
                    method(x, e, DESCRIPTIONS.get(e.method() + " " + e.path()));
                }
                x.writeEndElement();
            }
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void method(XMLStreamWriter x, Endpoint e, Description d) throws XMLStreamException {
        x.writeStartElement("method");
        x.writeAttribute("name", e.method());
        if (d == null) {
            x.writeEndElement();
            return;
        }
        x.writeStartElement("doc");
        x.writeCharacters(d.doc());
        x.writeEndElement();
        x.writeStartElement("request");
        if (d.level() != null) {
            for (String p : QIDO_PARAMETERS) queryParam(x, p);
            for (QueryAttribute a : QueryAttribute.all()) {
                if (a.level().isAtOrAbove(d.level())) queryParam(x, Keywords.keyword(a.tag()));
            }
        }
        for (String t : d.requestTypes()) {
            x.writeEmptyElement("representation");
            x.writeAttribute("mediaType", t);
        }
        x.writeEndElement();
        x.writeStartElement("response");
        x.writeAttribute("status", e.method().equals("POST") ? "200 202 400 409 415" : "200 400 404 406");
        for (String t : d.responseTypes()) {
            x.writeEmptyElement("representation");
            x.writeAttribute("mediaType", t);
        }
        x.writeEndElement();
        x.writeEndElement();
    }

    private static void queryParam(XMLStreamWriter x, String name) throws XMLStreamException {
        x.writeEmptyElement("param");
        x.writeAttribute("name", name);
        x.writeAttribute("style", "query");
    }

    private static List<String> templateParameters(String path) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)[^}]*}").matcher(path);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
