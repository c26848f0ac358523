from .settings import PassFamilleSettings

__all__ = ["PassFamilleSettings"]
