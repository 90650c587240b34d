"""Platform adapters (single instance, notifications, sound, tray), each with a fallback."""
