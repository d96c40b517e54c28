package dropgrid.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Hugging Face Hub's documented HTTP endpoints that a model download needs: {@code GET
 * {endpoint}/api/models/{repo}/revision/{revision}?blobs=true} for the commit and its files (size, and
 * the LFS SHA-256 or Git blob id of each), and {@code GET {endpoint}/{repo}/resolve/{commit}/{file}}
 * for a file. The endpoint is {@code $HF_ENDPOINT} (default the public Hub); {@code $HF_TOKEN}, when
 * set, goes as a bearer token to the endpoint's host only, and appears in no message or file.
 */
public final class HubClient {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /** Longest API answer read (a revision listing is a few KB; a repository of many files, more). */
    private static final int MAX_JSON_BYTES = 64 << 20;

    private final String endpoint;
    private final String token;

    /**
     * @param endpoint the Hub's base URL, e.g. {@code https://huggingface.co}
     * @param token a user access token, or null
     */
    public HubClient(String endpoint, String token) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.token = token == null || token.isBlank() ? null : token.trim();
    }

    /** {@code $HF_ENDPOINT} (else the public Hub) with {@code $HF_TOKEN} when it is set. */
    public static HubClient fromEnvironment() {
        String endpoint = System.getenv("HF_ENDPOINT");
        return new HubClient(endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint,
                System.getenv("HF_TOKEN"));
    }

    public String endpoint() {
        return endpoint;
    }

    /**
     * One file of a revision, as the Hub lists it.
     *
     * @param checksum the LFS SHA-256 for an LFS file, else the Git blob id
     */
    public record RepoFile(String path, long bytes, Checksum checksum) {}

    /** A revision resolved to its commit, with its files by path. */
    public record Revision(String repository, String commit, Map<String, RepoFile> files) {}

    /** Resolves {@code revision} (commit, branch or tag) of a model repository and lists its files. */
    public Revision revision(String repository, String revision) throws IOException {
        String url = endpoint + "/api/models/" + repository + "/revision/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "?blobs=true";
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(get(url));
        } catch (Download.HttpStatusException e) {
            throw explain(e, repository, revision, null);
        } catch (UnknownHostException | ConnectException | SocketTimeoutException e) {
            throw new IOException("cannot reach the Hub at " + endpoint + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set HF_ENDPOINT to a reachable mirror, or fetch the model where the Hub"
                    + " is reachable and give its directory", e);
        }
        String commit = json.path("sha").asText("");
        if (!HubSource.isCommit(commit)) {
            throw new IOException(url + " answered without a 40-digit commit sha: " + json.path("sha"));
        }
        Map<String, RepoFile> files = new LinkedHashMap<>();
        for (JsonNode sibling : json.path("siblings")) {
            String path = sibling.path("rfilename").asText();
            JsonNode lfs = sibling.path("lfs");
            Checksum checksum = lfs.hasNonNull("sha256") ? Checksum.sha256(lfs.get("sha256").asText())
                    : sibling.hasNonNull("blobId") ? Checksum.gitBlob(sibling.get("blobId").asText()) : null;
            long bytes = lfs.hasNonNull("size") ? lfs.get("size").asLong() : sibling.path("size").asLong(-1);
            if (checksum == null || bytes < 0) {
                throw new IOException(url + " lists " + path + " without size and blobId/lfs.sha256; this endpoint"
                        + " does not answer blobs=true as the Hub does");
            }
            files.put(path, new RepoFile(path, bytes, checksum));
        }
        return new Revision(repository, commit, files);
    }

    /** Where a file of a commit is downloaded from. */
    public String fileUrl(String repository, String commit, String path) {
        return endpoint + "/" + repository + "/resolve/" + commit + "/"
                + Arrays.stream(path.split("/")).map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"))
                        .collect(Collectors.joining("/"));
    }

    /** The bytes of a small file of a commit ({@code config.json}), read in one request. */
    public byte[] smallFile(String repository, String commit, String path) throws IOException {
        try {
            return get(fileUrl(repository, commit, path));
        } catch (Download.HttpStatusException e) {
            throw explain(e, repository, commit, path);
        }
    }

    /** A downloader that authenticates to this Hub (and only to it) when a token is set. */
    public Download download() {
        return Download.withDefaults().withBearerToken(token);
    }

    /**
     * The Hub's refusal as a message a user can act on: which repository, revision or file was not
     * found, or that {@code HF_TOKEN} is missing or not accepted.
     */
    public IllegalArgumentException explain(Download.HttpStatusException e, String repository, String revision,
            String path) {
        String what = repository + (revision == null ? "" : "@" + revision) + (path == null ? "" : " file " + path);
        String code = e.errorCode() == null ? "" : e.errorCode();
        String message;
        if (e.status() == 401 || e.status() == 403) {
            String tokenState = token == null ? "HF_TOKEN is not set; set it to a Hub access token with read access"
                    : "the token in HF_TOKEN was refused; check that it is valid and has access";
            message = code.equals("GatedRepo")
                    ? repository + " is gated: accept its conditions on the Hub with your account; " + tokenState
                    : "the Hub refused " + what + " (HTTP " + e.status() + "): it is private, gated or does not"
                            + " exist; " + tokenState;
        } else if (e.status() == 404) {
            message = switch (code) {
                case "RepoNotFound" -> "repository " + repository + " not found at " + endpoint;
                case "RevisionNotFound" -> "revision '" + revision + "' of " + repository + " not found at " + endpoint;
                case "EntryNotFound" -> path + " not found in " + repository + "@" + revision;
                default -> what + " not found at " + endpoint + " (HTTP 404): check the repository name and the"
                        + " revision";
            };
        } else {
            message = "the Hub answered HTTP " + e.status() + " for " + what;
        }
        return new IllegalArgumentException(message + " [" + e.getMessage() + "]", e);
    }

    private byte[] get(String url) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create(url).toURL().openConnection();
        http.setConnectTimeout(30_000);
        http.setReadTimeout(60_000);
        http.setRequestProperty("User-Agent", "dropgrid");
        http.setRequestProperty("Accept", "application/json");
        if (token != null) {
            http.setRequestProperty("Authorization", "Bearer " + token);
        }
        try {
            int status = http.getResponseCode();
            if (status != 200) {
                throw new Download.HttpStatusException(url, status, http.getHeaderField("X-Error-Code"));
            }
            try (InputStream in = http.getInputStream()) {
                byte[] body = in.readNBytes(MAX_JSON_BYTES + 1);
                if (body.length > MAX_JSON_BYTES) {
                    throw new IOException(url + " answered more than " + MAX_JSON_BYTES + " bytes");
                }
                return body;
            }
        } finally {
            http.disconnect();
        }
    }
}
