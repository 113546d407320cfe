"""API schemas of provinces."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ProvinceRead(BaseModel):
    code: str = Field(examples=["VN-21"], description="ISO 3166-2 code")
    slug: str = Field(examples=["thanh-hoa"])
    name: str
    name_vi: str = Field(examples=["Thanh Hóa"])
    name_en: str = Field(examples=["Thanh Hoa"])
    bbox: tuple[float, float, float, float] = Field(description="minLon,minLat,maxLon,maxLat")
    published_sites: int
    source: str
    version: int


class ProvinceList(BaseModel):
    items: list[ProvinceRead]
