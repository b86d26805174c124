FROM php:8.3-apache-bookworm
ENV APACHE_CONFDIR=/etc/apache2
# From the docker-library php images: dash's echo turns \t into a tab; under bash the file would
# hold a literal "\t" and Apache would reject it at run time.
RUN { \
		echo '<FilesMatch \.php$>'; \
		echo '\tSetHandler application/x-httpd-php'; \
		echo '</FilesMatch>'; \
		echo; \
		echo 'DirectoryIndex disabled'; \
		echo 'DirectoryIndex index.php index.html'; \
		echo; \
		echo '<Directory /var/www/>'; \
		echo '\tOptions -Indexes'; \
		echo '\tAllowOverride All'; \
		echo '</Directory>'; \
	} | tee "$APACHE_CONFDIR/conf-available/docker-php.conf" \
	&& a2enconf docker-php
# Brace expansion: dash makes one directory, bash two.
RUN mkdir -p /srv/{cache,logs} && ls -d /srv/* | tee /srv/dirs.txt
# What `lsb_release -cs` prints is only known at build time: dash's echo would decode a backslash in it.
RUN echo "deb http://apt.example.com/ $(lsb_release -cs) main" | tee /etc/apt/sources.list.d/example.list
