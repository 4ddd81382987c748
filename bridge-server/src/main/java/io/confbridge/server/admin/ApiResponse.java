package io.confbridge.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * A status, a JSON body and any extra headers, ready for the transport to write.
 *
 * @param headers extra response headers ({@code WWW-Authenticate}, {@code Allow})
 */
record ApiResponse(int status, byte[] json, Map<String, String> headers) {

    static ApiResponse of(int status, Object body) {
        try {
            return new ApiResponse(status, AdminJson.MAPPER.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
        }
    }

    static ApiResponse error(int status, String error, String field, String message) {
        return error(status, error, field, message, Map.of());
    }

    static ApiResponse error(int status, String error, String field, String message, Map<String, String> headers) {
        ObjectNode body = AdminJson.MAPPER.createObjectNode();
        body.put("error", error);
        body.put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        return new ApiResponse(status, of(status, body).json(), headers);
    }

    @Override
    public String toString() {
        return "ApiResponse[" + status + ", " + json.length + " bytes]"; // never the body: it may hold a PIN
    }
}
