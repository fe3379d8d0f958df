"""Messages of Django REST framework and simplejwt that our Vietnamese catalogue translates.

Their own Vietnamese catalogues are incomplete, so ``locale/vi/LC_MESSAGES/django.po`` carries
these msgids too. ``makemessages`` only keeps msgids it finds in our source and would drop them
as obsolete; listing them here, marked with ``gettext_noop``, keeps them in the catalogue.
Nothing imports this module. Keep each string exactly as the library spells it.
"""

from django.utils.translation import gettext_noop

THIRD_PARTY_MESSAGES = [
    # rest_framework.exceptions
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Request was throttled."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop("Malformed request."),
    # Kept for its translation, though rest_framework.parsers currently raises
    # 'JSON parse error - %s' without gettext, so this one is never looked up.
    gettext_noop("JSON parse error - {detail}"),
    # rest_framework.fields and serializers
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Not a valid string."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    # rest_framework.pagination
    gettext_noop("Invalid page."),
    gettext_noop("Invalid cursor"),
    # rest_framework_simplejwt
    gettext_noop("Given token not valid for any token type"),
    gettext_noop("Token is invalid or expired"),
    gettext_noop("Token is invalid"),
    gettext_noop("Token is expired"),
    gettext_noop("Token is blacklisted"),
    gettext_noop("User not found"),
    gettext_noop("User is inactive"),
    gettext_noop("No active account found with the given credentials"),
]
