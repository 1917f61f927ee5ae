"""The REST API v1 (django-ninja). Each app contributes a router from its api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Hamafza API", version="1", urls_namespace="api-v1")
