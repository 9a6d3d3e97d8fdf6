"""Bringing an existing caseload into parcours: rows of a file become referrals and commands.

Pure: what a file's rows say (`cells`, `columns`), the command each dated event becomes
(`events`), a person's whole plan in the order things happened (`plan`), and the check
of that plan through the very `Pathway` the workflow runs (`check`), so a dry run needs
no server and a row the domain refuses is never half sent. Reading the files is the
adapters' (`adapters.spreadsheets`), sending the plans the app's (`app.importing`).
"""
