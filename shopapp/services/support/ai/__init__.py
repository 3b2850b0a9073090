"""The AI helpers: reply suggestions for the support desk and product copy, from an OpenAI-compatible
endpoint or the embedded offline engine. Suggestions go to staff only; a person sends every reply."""
