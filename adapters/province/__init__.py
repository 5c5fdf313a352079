"""The provincial view (`serve province`): several cities' upstream records → statistics."""
