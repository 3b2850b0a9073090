"""Serves media from the local storage folder (S3 mode serves from the bucket itself)."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shopapp.services.catalog import storage
from shopapp.services.core.errors import NotFound

router = APIRouter(tags=["media"], include_in_schema=False)


@router.get("/media/{key:path}")
def media_file(key: str):
    path = storage.local_path(key)
    if path is None or not path.is_file():
        raise NotFound()
    # Keys carry a random id per upload, so a file never changes: cache it for a year.
    return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable"})
