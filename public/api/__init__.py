"""The open-data API (开放数据接口): read-only JSON for anonymous use, under /api/v1/ (docs/api.md).

Everything here reads through `public.api.selectors`, which starts from the same public querysets as the public
pages (a draft notice, an unpublished round or a hidden catalogue entry does not exist here either) and names
every field it returns: no serializer uses `fields = "__all__"`, so a new private column never leaks by default.
"""
