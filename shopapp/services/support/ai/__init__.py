"""The AI reply assistant: reply suggestions for the support desk, from an OpenAI-compatible
endpoint or the embedded offline engine. Suggestions go to staff only; a person sends every reply.
(Product copy is services/insights/copywriting.py.)"""
