from django import template

register = template.Library()

# What may end a label (a question, a sentence) before a separator is added after it.
END_PUNCTUATION = "。：:？?！!.，,；;"


@register.filter
def without_end_punctuation(text) -> str:
    """``{{ field.label|without_end_punctuation }}：`` — 希望我们如何联系您：, not 您？：."""
    return str(text).rstrip().rstrip(END_PUNCTUATION)
