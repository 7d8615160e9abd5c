package org.opencasjobs.http;

import jakarta.jws.WebParam;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.opencasjobs.ops.CurrentRequest;
import org.opencasjobs.soap.Faults;

/** One HTTP GET/POST call of an operation, with the ASMX binding rules. */
final class HttpCall {
    private HttpCall() {
    }

    static void invoke(AsmxFilter f, HttpServletRequest req, HttpServletResponse resp, String op)
            throws IOException {
        String method = req.getMethod();
        String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(Locale.ROOT);
        boolean form = method.equals("POST") && type.startsWith("application/x-www-form-urlencoded");
        if (!method.equals("GET") && !form) {
            error(resp, "Request format is unrecognized for URL unexpectedly ending in '/" + op + "'.");
            return;
        }
        Method m = f.operation(op);
        if (m == null) {
            error(resp, op + " Web Service method name is not valid.");
            return;
        }
        Map<String, String> params;
        if (form) {
            params = FormCall.read(f, req, resp, op);
            if (params == null) {
                return; // refused, and answered, before the whole body was read
            }
        } else {
            params = FormCall.parameters(req.getParameterMap());
        }
        Parameter[] declared = m.getParameters();
        Object[] args = new Object[declared.length];
        for (int i = 0; i < declared.length; i++) {
            String name = declared[i].getAnnotation(WebParam.class).name();
            String value = params.get(name.toLowerCase(Locale.ROOT));
            if (value == null && declared[i].getType() != Boolean.class) {
                error(resp, "Missing parameter: " + name + ".");
                return;
            }
            try {
                args[i] = value == null ? null : convert(value, declared[i].getType());
            } catch (IllegalArgumentException e) {
                error(resp, "Cannot convert " + value + " to " + e.getMessage() + ".\r\nParameter name: " + name);
                return;
            }
        }
        String body;
        try {
            Object result = m.invoke(f.endpoint(), args);
            body = m.getReturnType() == void.class ? null : PlainXml.document(result, m.getReturnType());
        } catch (InvocationTargetException e) {
            fault(resp, Faults.userMessage(e.getCause()));
            return;
        } catch (IllegalAccessException | RuntimeException e) {
            fault(resp, Faults.userMessage(e));
            return;
        }
        if (body == null) {
            resp.setStatus(200);
            resp.setContentLength(0);
        } else {
            AsmxFilter.send(resp, 200, "text/xml; charset=utf-8", body);
        }
    }

    /** A long as ASMX binds one (spaces around it and a leading '+' allowed); IllegalArgumentException if not. */
    static long toLong(String value) {
        return (Long) convert(value, long.class);
    }

    private static Object convert(String value, Class<?> type) {
        String v = value.trim();
        try {
            if (type == long.class) {
                return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
            } else if (type == int.class) {
                return Integer.parseInt(v.startsWith("+") ? v.substring(1) : v);
            } else if (type == boolean.class || type == Boolean.class) {
                if (v.equalsIgnoreCase("true") || v.equals("1")) {
                    return true;
                } else if (v.equalsIgnoreCase("false") || v.equals("0")) {
                    return false;
                }
                throw new IllegalArgumentException("System.Boolean");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(type == long.class ? "System.Int64" : "System.Int32");
        }
    }

    /** The operation ran and failed: ASMX's exception text, as HTTP 500. */
    static void fault(HttpServletResponse resp, String message) throws IOException {
        CurrentRequest.failed(CurrentRequest.Outcome.FAULT, message);
        write500(resp, "System.Exception: " + htmlEncode(message) + " --->", false);
    }

    /** As {@link #fault}, before the request's body was all read: the connection then closes. */
    static void faultClosing(HttpServletResponse resp, String message) throws IOException {
        CurrentRequest.failed(CurrentRequest.Outcome.FAULT, message);
        write500(resp, "System.Exception: " + htmlEncode(message) + " --->", true);
    }

    /** The request named no operation or could not be bound to it. */
    private static void error(HttpServletResponse resp, String text) throws IOException {
        CurrentRequest.failed(CurrentRequest.Outcome.BAD_REQUEST, text);
        write500(resp, text, false);
    }

    private static void write500(HttpServletResponse resp, String text, boolean close) throws IOException {
        resp.reset();
        if (close) {
            resp.setHeader("Connection", "close");
        }
        AsmxFilter.send(resp, 500, "text/plain; charset=utf-8", text + "\r\n");
    }

    private static String htmlEncode(String s) {
        return AsmxFilter.xmlEscape(s);
    }
}
