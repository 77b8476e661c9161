"""/api/docs/: the OpenAPI document as a plain page, served by us (no CDN, no JavaScript).

No inline style either: the Content-Security-Policy allows only our own files.
"""

from django.http import HttpRequest, HttpResponse
from django.template import Context, Engine
from drf_spectacular.generators import SchemaGenerator

PAGE = Engine().from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ info.title }}</title>
</head><body>
<h1>{{ info.title }} <small>{{ info.version }}</small></h1>
<p>{{ info.description }}</p>
<p>The machine-readable document: <a href="{{ schema_url }}">{{ schema_url }}</a>
(OpenAPI 3; add <code>?format=json</code> for JSON). Any endpoint opened in a browser shows
DRF's browsable page. Authenticate with a session or <code>Authorization: Token &lt;key&gt;</code>
(<code>GET /api/auth/token/</code> shows your key).</p>
{% for op in operations %}<section>
<div><strong>{{ op.method }}</strong> <code>{{ op.path }}</code></div>
{% if op.description %}<p>{{ op.description|linebreaksbr }}</p>{% endif %}
{% if op.parameters %}<table>{% for p in op.parameters %}<tr><td><code>{{ p.name }}</code></td>
<td>{{ p.in }}</td><td>{{ p.description }}</td></tr>{% endfor %}</table>{% endif %}
</section>{% endfor %}
</body></html>"""
)
METHODS = ("get", "post", "put", "patch", "delete")


def api_docs(request: HttpRequest) -> HttpResponse:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "description": op.get("description", ""),
            "parameters": op.get("parameters", []),
        }
        for path, item in schema["paths"].items()
        for method in METHODS
        if (op := item.get(method))
    ]
    context = {"info": schema["info"], "operations": operations, "schema_url": "/api/schema/"}
    return HttpResponse(PAGE.render(Context(context)))
