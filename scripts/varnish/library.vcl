# Varnish in front of library (issue 16): keeps the reader answers the app marks as shared
# (Cache-Control s-maxage), purges them by surrogate key when content changes, and covers an outage
# of the app or its database with what it holds (stale-if-error).
#
# Needs Varnish 7 and, for PURGE, the xkey module of varnish-modules (Debian: apt-get install varnish
# varnish-modules). Set the app's LIBRARY_PURGE_URL to this cache (http://127.0.0.1:6081/) and
# LIBRARY_PURGE_MODE to xkey (default) or ban (stock Varnish: then the xkey import may be dropped
# along with the PURGE branch). Run: varnishd -a :6081 -f /etc/varnish/library.vcl -s malloc,1g
vcl 4.1;

import std;
import xkey;

# The app (`library serve`). Several app hosts: one backend each and a directors.round_robin().
backend library {
    .host = "127.0.0.1";
    .port = "8000";
    .first_byte_timeout = 30s;
    # A database outage makes /api/v1/health a 503: the app counts as sick and the cache serves
    # what it holds for as long as each answer's stale-if-error allows.
    .probe = {
        .url = "/api/v1/health";
        .interval = 1s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may purge: the app hosts. Add their addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # Keys are words of [a-z0-9-] separated by spaces (library.edge.keys); anything else is refused
        # before it reaches a ban expression.
        if (!req.http.xkey || req.http.xkey !~ "^[a-z0-9-]+( [a-z0-9-]+)*$") {
            return (synth(400, "Bad Request"));
        }
        if (req.method == "PURGE") {
            set req.http.x-purged = xkey.purge(req.http.xkey);
            return (synth(200, "Purged " + req.http.x-purged));
        }
        # BAN: stock Varnish. "library" is everything (a URL ban); other keys ban the objects naming them.
        if (req.http.xkey ~ "(^| )library( |$)") {
            set req.http.x-ban = "obj.http.x-url ~ ^/";
        } else {
            # No spaces in the pattern: a ban expression's argument ends at the first one.
            set req.http.x-ban = "obj.http.xkey ~ (^|\s)(" + regsuball(req.http.xkey, " ", "|") + ")(\s|$)";
        }
        if (std.ban(req.http.x-ban)) {
            return (synth(200, "Banned"));
        }
        return (synth(500, std.ban_error()));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff, API clients with a token, a visitor's own flash message or form round trip: the app's alone.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;) *(library_session|library_flash|library_form)=") {
        return (pass);
    }
    # Reader answers have their language in the URL: /{lang}/... pages, ?lang= on the reader API.
    # Those answer alike whatever the cookies and Accept-Language say, so both are dropped and every
    # browser shares one copy. Negotiated URLs (/, /articles/x, the API without ?lang=) depend on
    # them and go to the app, which answers them from its own cache.
    if (req.url ~ "^/[a-z]{2}(-[a-z]+)?/" || req.url ~ "^/static/"
        || req.url ~ "^/api/v1/(articles|archive|sections|languages)([/?]|$)" && req.url ~ "[?&]lang=") {
        unset req.http.Cookie;
        unset req.http.Accept-Language;
    } else {
        return (pass);
    }
    # While the app is healthy an expired answer is served for stale-while-revalidate (30 s, as the app
    # says) while it is fetched again; while it is sick, for the answer's whole stale-if-error.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

sub vcl_backend_response {
    # A failed refresh keeps the stale copy (stale-if-error) instead of replacing it with the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    set beresp.http.x-url = bereq.url;
    # Only what the app marks for shared caches is kept; anything else (private, no-store) never is.
    if (beresp.http.Cache-Control !~ "s-maxage=" && bereq.url !~ "^/static/") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1") + "s", 30s);
    }
}

sub vcl_backend_error {
    # The app could not be reached while refreshing: keep the stale copy.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.x-url;
    unset resp.http.xkey;
}
